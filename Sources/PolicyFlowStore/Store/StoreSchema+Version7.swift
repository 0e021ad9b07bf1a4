extension StoreSchema {
  /// The money and history model an auditor reads (DESIGN.md, "Cancellation and recalculation").
  ///
  /// - Calculation rows carry the gid and version, and `in_force` marks the one result in force
  ///   per gid; a result is reversed at most once (a unique index on `reverses`).
  /// - The rows written before are brought to that model, policy by policy:
  ///   - a settlement ended with a `PREMIUM_PAID` line taking back the premium paid, so its total
  ///     was the refund; the line goes, and its total becomes what was charged for the cover;
  ///   - the latest premium or settlement that no row reverses is in force;
  ///   - the oldest releases wrote reversals that name no row: each is paired with the latest
  ///     earlier result of its policy that it cancels out;
  ///   - earlier releases left premiums of superseded versions, and a canceled policy's
  ///     settlement after a reinstatement, standing beside it: one `UPGRADE_CORRECTION` reversal
  ///     per policy takes back whatever the rows add up to beyond what is in force, so the rows
  ///     add up to it from then on and nothing is ever reversed a second time.
  /// - Cancellations (and declined applications) are rows of their own: the date, reason, actor
  ///   and time, and whether a settlement was computed on whose say. Before, the date and reason
  ///   were written into the document as `cancellation`, and the next version's rules read them;
  ///   they move out of every document here.
  /// - Status-history rows carry the gid, version and event; pend-history rows the version, the
  ///   Pended status-history row they were attached under, and the version and data a
  ///   resolution was given on. A row an earlier revert moved to the restored version gets back
  ///   the version its note names ("version 3, reverted"); rows written before have no event.
  static let version7 = """
    ALTER TABLE calculation ADD COLUMN gid TEXT;
    ALTER TABLE calculation ADD COLUMN version INTEGER;
    ALTER TABLE calculation ADD COLUMN in_force INTEGER NOT NULL DEFAULT 0;
    UPDATE calculation SET
      gid = (SELECT gid FROM policy WHERE policy.id = calculation.policy_id),
      version = (SELECT version FROM policy WHERE policy.id = calculation.policy_id);

    UPDATE calculation SET
      total = total - (SELECT sum(json_extract(e.value, '$.amount')) FROM json_each(calculation.lines, '$.lines') e
        WHERE json_extract(e.value, '$.code') = 'PREMIUM_PAID'),
      lines = json_set(lines,
        '$.lines', (SELECT json_group_array(json(e.value)) FROM json_each(calculation.lines, '$.lines') e
          WHERE json_extract(e.value, '$.code') <> 'PREMIUM_PAID'),
        '$.total', total - (SELECT sum(json_extract(e.value, '$.amount')) FROM json_each(calculation.lines, '$.lines') e
          WHERE json_extract(e.value, '$.code') = 'PREMIUM_PAID'))
    WHERE kind = 'cancellation' AND EXISTS (SELECT 1 FROM json_each(calculation.lines, '$.lines') e
      WHERE json_extract(e.value, '$.code') = 'PREMIUM_PAID');

    UPDATE calculation SET reverses = (
      SELECT p.id FROM calculation p
      WHERE p.gid = calculation.gid AND p.kind <> 'reversal' AND p.total = -calculation.total AND p.id < calculation.id
      ORDER BY p.id DESC LIMIT 1)
    WHERE kind = 'reversal' AND reverses IS NULL;
    UPDATE calculation SET reverses = NULL
    WHERE reverses IS NOT NULL AND id NOT IN (SELECT min(id) FROM calculation WHERE reverses IS NOT NULL GROUP BY reverses);

    CREATE TEMP TABLE upgrade_in_force AS
      SELECT gid, max(id) AS id FROM calculation c
      WHERE kind <> 'reversal' AND NOT EXISTS (SELECT 1 FROM calculation r WHERE r.reverses = c.id)
      GROUP BY gid;
    UPDATE calculation SET in_force = 1 WHERE id IN (SELECT id FROM upgrade_in_force);
    INSERT INTO calculation (policy_id, gid, version, kind, currency, total, at, reverses, in_force, lines)
    SELECT coalesce(x.policy_id, p.id), g.gid, coalesce(x.version, p.version), 'reversal', g.currency,
      coalesce(x.total, 0) - g.total, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), NULL, 0,
      json_object('kind', 'reversal', 'currency', g.currency,
        'lines', json_array(json_object('code', 'UPGRADE_CORRECTION',
          'description', 'Results superseded before schema 7 and never reversed, reversed on upgrade',
          'amount', coalesce(x.total, 0) - g.total)),
        'total', coalesce(x.total, 0) - g.total)
    FROM (SELECT gid, sum(total) AS total, max(currency) AS currency FROM calculation GROUP BY gid) g
      JOIN policy p ON p.gid = g.gid AND p.is_current = 1
      LEFT JOIN upgrade_in_force f ON f.gid = g.gid
      LEFT JOIN calculation x ON x.id = f.id
    WHERE g.total <> coalesce(x.total, 0);
    DROP TABLE upgrade_in_force;
    CREATE INDEX calculation_in_force ON calculation (gid) WHERE in_force = 1;
    CREATE UNIQUE INDEX calculation_reverses ON calculation (reverses) WHERE reverses IS NOT NULL;

    CREATE TABLE cancellation (
      id INTEGER PRIMARY KEY,
      policy_id INTEGER NOT NULL REFERENCES policy (id) ON DELETE CASCADE,
      gid TEXT NOT NULL,
      version INTEGER NOT NULL,
      kind TEXT NOT NULL CHECK (kind = 'cancel' OR kind = 'decline'),
      effective_date TEXT,
      reason TEXT,
      actor TEXT NOT NULL,
      at TEXT NOT NULL,
      -- Whether a settlement was computed (null: nothing was in force to settle), and whether the
      -- policy's calculateOnCancellation or its flow's default decided it.
      calculated INTEGER,
      calculation_set_by TEXT,
      from_inception INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX cancellation_policy ON cancellation (policy_id);
    INSERT INTO cancellation (policy_id, gid, version, kind, effective_date, reason, actor, at)
    SELECT p.id, p.gid, p.version, 'cancel', json_extract(d.data, '$.cancellation.date'),
      json_extract(d.data, '$.cancellation.reason'),
      coalesce((SELECT s.actor FROM status_history s WHERE s.policy_id = p.id AND s.status = 'Canceled'
        ORDER BY s.id DESC LIMIT 1), ''),
      coalesce((SELECT s.at FROM status_history s WHERE s.policy_id = p.id AND s.status = 'Canceled'
        ORDER BY s.id DESC LIMIT 1), p.updated_at)
    FROM policy p JOIN policy_data d ON d.policy_id = p.id
    WHERE p.status = 'Canceled' AND json_valid(d.data) AND json_type(d.data, '$.cancellation.date') = 'text';
    UPDATE policy_data SET data = json_remove(data, '$.cancellation')
    WHERE json_valid(data) AND json_type(data, '$.cancellation.date') = 'text';

    ALTER TABLE status_history ADD COLUMN gid TEXT;
    ALTER TABLE status_history ADD COLUMN version INTEGER;
    ALTER TABLE status_history ADD COLUMN event TEXT;
    UPDATE status_history SET
      gid = (SELECT gid FROM policy WHERE policy.id = status_history.policy_id),
      version = coalesce(
        CAST(nullif(substr(substr(note, 1, instr(note, ', reverted') - 1),
          length(rtrim(substr(note, 1, instr(note, ', reverted') - 1), '0123456789')) + 1), '') AS INTEGER),
        (SELECT version FROM policy WHERE policy.id = status_history.policy_id)),
      note = replace(note, 'cancelled as of', 'canceled as of');

    ALTER TABLE pend_history ADD COLUMN version INTEGER;
    ALTER TABLE pend_history ADD COLUMN status_history_id INTEGER REFERENCES status_history (id);
    ALTER TABLE pend_history ADD COLUMN resolved_version INTEGER;
    ALTER TABLE pend_history ADD COLUMN resolved_data_at TEXT;
    UPDATE pend_history SET version = coalesce(
      CAST(nullif(substr(substr(note, 1, instr(note, ', reverted') - 1),
        length(rtrim(substr(note, 1, instr(note, ', reverted') - 1), '0123456789')) + 1), '') AS INTEGER),
      (SELECT version FROM policy WHERE policy.id = pend_history.policy_id));
    DROP INDEX pend_history_resolved;
    CREATE INDEX pend_history_resolved ON pend_history (gid, reason, policy_id, resolved_at, resolved_data_at)
      WHERE resolved_at IS NOT NULL;
    """
}
