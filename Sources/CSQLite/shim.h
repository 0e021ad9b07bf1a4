#ifndef POLICYFLOW_CSQLITE_SHIM_H
#define POLICYFLOW_CSQLITE_SHIM_H

#include <sqlite3.h>

/// `SQLITE_TRANSIENT` is a macro that casts -1 to a function pointer, which Swift cannot import.
/// Passing it to `sqlite3_bind_text64` / `sqlite3_bind_blob64` tells SQLite to copy the bytes
/// before the call returns, so Swift may free its buffer right after binding.
static inline sqlite3_destructor_type policyflow_sqlite_transient(void) {
  return SQLITE_TRANSIENT;
}

/// `sqlite3_config` is variadic, which Swift cannot call. Turns off SQLite's memory statistics
/// (`SQLITE_CONFIG_MEMSTATUS`), which take a global mutex on every allocation. Takes effect only
/// before SQLite initializes (the first connection opened); returns `SQLITE_MISUSE` after.
static inline int policyflow_sqlite_disable_memory_statistics(void) {
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

#endif
