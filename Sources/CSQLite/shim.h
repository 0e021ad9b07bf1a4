#ifndef POLICYFLOW_CSQLITE_SHIM_H
#define POLICYFLOW_CSQLITE_SHIM_H

#include <sqlite3.h>

/// `SQLITE_TRANSIENT` is a macro that casts -1 to a function pointer, which Swift cannot import.
/// Passing it to `sqlite3_bind_text64` / `sqlite3_bind_blob64` tells SQLite to copy the bytes
/// before the call returns, so Swift may free its buffer right after binding.
static inline sqlite3_destructor_type policyflow_sqlite_transient(void) {
  return SQLITE_TRANSIENT;
}

#endif
