/*
 * `Sqlite.open`'s entry point, and the table of SQLite functions the
 * runtime calls through. The runtime's Rust code never names a SQLite
 * function itself: a program that opens a database refers to
 * `snow_sqlite_open`, which pulls this file out of the runtime archive,
 * and this file's table pulls in SQLite. A program that does not use
 * Sqlite links neither (SQLite would otherwise bring glibc's time zone
 * code into every static executable, across a 64 KiB step on aarch64).
 * `open` hands the table to the Rust side (rt/src/library/sqlite/api.rs).
 */
#include "snow.h"

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
typedef long long sqlite3_int64;

int sqlite3_open_v2(const char *path, sqlite3 **db, int flags, const char *vfs);
int sqlite3_close(sqlite3 *db);
const char *sqlite3_errmsg(sqlite3 *db);
const char *sqlite3_errstr(int rc);
int sqlite3_busy_timeout(sqlite3 *db, int ms);
void *sqlite3_rollback_hook(sqlite3 *db, void (*hook)(void *), void *arg);
int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **stmt,
                       const char **tail);
int sqlite3_bind_text(sqlite3_stmt *stmt, int i, const char *text, int n,
                      void (*destructor)(void *));
int sqlite3_step(sqlite3_stmt *stmt);
int sqlite3_finalize(sqlite3_stmt *stmt);
sqlite3_int64 sqlite3_total_changes64(sqlite3 *db);
sqlite3_int64 sqlite3_changes64(sqlite3 *db);
int sqlite3_get_autocommit(sqlite3 *db);
int sqlite3_column_count(sqlite3_stmt *stmt);
const char *sqlite3_column_name(sqlite3_stmt *stmt, int i);
int sqlite3_column_type(sqlite3_stmt *stmt, int i);
const void *sqlite3_column_blob(sqlite3_stmt *stmt, int i);
const unsigned char *sqlite3_column_text(sqlite3_stmt *stmt, int i);
int sqlite3_column_bytes(sqlite3_stmt *stmt, int i);
int sqlite3_bind_null(sqlite3_stmt *stmt, int i);

/* Field for field the `Api` struct of rt/src/library/sqlite/api.rs. */
struct snow_sqlite_api {
    int (*open_v2)(const char *, sqlite3 **, int, const char *);
    int (*close)(sqlite3 *);
    const char *(*errmsg)(sqlite3 *);
    const char *(*errstr)(int);
    int (*busy_timeout)(sqlite3 *, int);
    void *(*rollback_hook)(sqlite3 *, void (*)(void *), void *);
    int (*prepare_v2)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **);
    int (*bind_text)(sqlite3_stmt *, int, const char *, int, void (*)(void *));
    int (*step)(sqlite3_stmt *);
    int (*finalize)(sqlite3_stmt *);
    sqlite3_int64 (*total_changes64)(sqlite3 *);
    sqlite3_int64 (*changes64)(sqlite3 *);
    int (*get_autocommit)(sqlite3 *);
    int (*column_count)(sqlite3_stmt *);
    const char *(*column_name)(sqlite3_stmt *, int);
    int (*column_type)(sqlite3_stmt *, int);
    const void *(*column_blob)(sqlite3_stmt *, int);
    const unsigned char *(*column_text)(sqlite3_stmt *, int);
    int (*column_bytes)(sqlite3_stmt *, int);
    int (*bind_null)(sqlite3_stmt *, int);
};

static const struct snow_sqlite_api API = {
    sqlite3_open_v2,       sqlite3_close,          sqlite3_errmsg,
    sqlite3_errstr,        sqlite3_busy_timeout,   sqlite3_rollback_hook,
    sqlite3_prepare_v2,    sqlite3_bind_text,      sqlite3_step,
    sqlite3_finalize,      sqlite3_total_changes64, sqlite3_changes64,
    sqlite3_get_autocommit, sqlite3_column_count,  sqlite3_column_name,
    sqlite3_column_type,   sqlite3_column_blob,    sqlite3_column_text,
    sqlite3_column_bytes,  sqlite3_bind_null,
};

/* The Rust implementation (rt/src/library/sqlite/calls.rs). */
void *snow_rs_sqlite_open(const struct snow_sqlite_api *api, snow_ctx *ctx,
                          const snow_type *res, snow_str *path);

/* The table, for the runtime's unit tests. */
const struct snow_sqlite_api *snow_sqlite_api(void);
const struct snow_sqlite_api *snow_sqlite_api(void) { return &API; }

/* Every connection is made here, so the table is handed over before any
 * other Sqlite call can find a connection to work on. */
void *snow_sqlite_open(snow_ctx *ctx, const snow_type *res, snow_str *path) {
    return snow_rs_sqlite_open(&API, ctx, res, path);
}
