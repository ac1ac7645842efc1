//! Named prepared statements, per connection: the run of a SQL text after
//! one that went well parses it as a named statement, later runs only bind and execute
//! it, so the server neither parses nor plans it again (what libpq clients
//! get from `PREPARE`, and psycopg after a few runs). A text run once (SQL
//! built from values, a mistake) stays unnamed: it takes no room on the
//! server, and its errors name no statement of ours. At most `CAP` statements
//! are kept; the least recently used is closed on the server in the next
//! message batch. A statement whose run failed is dropped, so a later run
//! parses again (the server may have lost it, or the tables under it
//! changed); DDL on the connection drops them all.

use std::collections::{HashMap, HashSet};

/// How many statements a connection keeps (psycopg keeps 100 too).
pub const CAP: usize = 100;

struct Entry {
    name: String,
    used: u64,
}

#[derive(Default)]
pub struct Cache {
    by_sql: HashMap<String, Entry>,
    /// Names of statements to close on the server with the next batch.
    doomed: Vec<String>,
    /// The next statement number.
    next: u64,
    /// A use counter, for least-recently-used eviction.
    tick: u64,
    /// Texts that ran well once, unnamed (forgotten all at once when `SEEN_CAP`
    /// pile up).
    seen: HashSet<String>,
}

/// How many texts run once are remembered.
const SEEN_CAP: usize = 1000;

/// How to run a text: a statement already parsed, a new one to parse
/// under the name given, or the unnamed statement.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    Cached(String),
    Fresh(String),
    Unnamed,
}

impl Cache {
    /// The statement for `sql`: the cached one; unnamed the first time;
    /// else a fresh name.
    pub fn plan(&mut self, sql: &str) -> Plan {
        self.tick += 1;
        if let Some(e) = self.by_sql.get_mut(sql) {
            e.used = self.tick;
            return Plan::Cached(e.name.clone());
        }
        if !self.seen.remove(sql) {
            return Plan::Unnamed;
        }
        self.next += 1;
        Plan::Fresh(format!("snow_{}", self.next))
    }

    /// `sql` ran well unnamed: the next run parses it under a name.
    pub fn ran(&mut self, sql: &str) {
        if self.seen.len() >= SEEN_CAP {
            self.seen.clear();
        }
        self.seen.insert(sql.to_string());
    }

    /// The server parsed `sql` as `name`: keep it, evicting the least
    /// recently used statement when full.
    pub fn parsed(&mut self, sql: &str, name: String) {
        if self.by_sql.len() >= CAP {
            let oldest = self
                .by_sql
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.forget(&k);
            }
        }
        let used = self.tick;
        self.by_sql.insert(sql.to_string(), Entry { name, used });
    }

    /// Drops the statement of `sql`, if any (its run failed).
    pub fn forget(&mut self, sql: &str) {
        if let Some(e) = self.by_sql.remove(sql) {
            self.doomed.push(e.name);
        }
    }

    /// Drops every statement (after DDL: result types may have changed).
    pub fn clear(&mut self) {
        self.doomed.extend(self.by_sql.drain().map(|(_, e)| e.name));
    }

    /// The statements to close on the server now.
    pub fn take_doomed(&mut self) -> Vec<String> {
        std::mem::take(&mut self.doomed)
    }

    /// How many statements are kept (for the tests).
    #[cfg(test)]
    pub fn kept(&self) -> usize {
        self.by_sql.len()
    }
}

/// A CommandComplete tag of DDL that can change what a statement returns.
pub fn is_ddl(tag: &str) -> bool {
    ["CREATE", "ALTER", "DROP"]
        .iter()
        .any(|w| tag.starts_with(w))
}

#[cfg(test)]
#[path = "stmts_tests.rs"]
mod tests;
