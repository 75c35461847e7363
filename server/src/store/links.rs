//! Members' links and calendar feeds as rows of `tokens` and `feeds`, the
//! same in every store: what each write does to them, as statements each
//! store runs with its own driver inside the write's transaction, and how a
//! token's row is read back.
//!
//! The statements are written for both SQLite and PostgreSQL: `$n`
//! parameters, each first used in the order of its number (SQLite numbers
//! named parameters as they appear), and `IS NOT DISTINCT FROM` for the
//! convener's row, whose member is `NULL`.

use super::{StoreError, TokenOwner, Write};
use rondo_protocol::ids::{GroupId, MemberId};

/// A value a statement binds.
#[derive(Clone, Copy, Debug)]
pub(super) enum Param<'a> {
    Text(&'a str),
    /// A member's id, or `NULL` for the convener.
    Member(Option<&'a str>),
    Hash(&'a [u8]),
}

/// One statement of a write.
#[derive(Debug)]
pub(super) struct Statement<'a> {
    pub sql: &'static str,
    pub params: Vec<Param<'a>>,
}

const INSERT_TOKEN: &str =
    "INSERT INTO tokens (token_hash, group_id, member_id) VALUES ($1, $2, $3)";
const DELETE_TOKENS: &str =
    "DELETE FROM tokens WHERE group_id = $1 AND member_id IS NOT DISTINCT FROM $2";
const DELETE_FEEDS: &str =
    "DELETE FROM feeds WHERE group_id = $1 AND member_id IS NOT DISTINCT FROM $2";
const INSERT_FEED: &str = "INSERT INTO feeds (token_hash, group_id, member_id) VALUES ($1, $2, $3)";

/// Every statement here, for the stores' tests of them.
#[cfg(test)]
pub(super) const ALL: [&str; 6] = [
    INSERT_TOKEN,
    DELETE_TOKENS,
    DELETE_FEEDS,
    INSERT_FEED,
    LOOKUP_TOKEN,
    LOOKUP_FEED,
];

/// What `write` does to the links: a new group's, those a flush gives or
/// takes (committed with the input that made the change), a replaced link
/// or feed. With PostgreSQL a flush's statements run only while its group
/// is still the node's (its fence held).
pub(super) fn statements(write: &Write) -> Vec<Statement<'_>> {
    match write {
        Write::CreateGroup {
            group_id, tokens, ..
        } => tokens
            .iter()
            .map(|(member_id, hash)| insert_token(hash, group_id, member(member_id.as_ref())))
            .collect(),
        Write::Append {
            group_id, tokens, ..
        } => tokens
            .iter()
            .flat_map(|change| {
                let member_id = Some(change.member_id.as_str());
                set_token(group_id, member_id, change.token_hash.as_ref())
            })
            .collect(),
        Write::SetToken {
            group_id,
            member_id,
            token_hash,
        } => set_token(group_id, member(member_id.as_ref()), token_hash.as_ref()),
        Write::SetFeed {
            group_id,
            member_id,
            token_hash,
        } => {
            let owner = [
                Param::Text(group_id.as_str()),
                Param::Member(Some(member_id.as_str())),
            ];
            vec![
                Statement {
                    sql: DELETE_FEEDS,
                    params: owner.to_vec(),
                },
                Statement {
                    sql: INSERT_FEED,
                    params: vec![
                        Param::Hash(&token_hash[..]),
                        Param::Text(group_id.as_str()),
                        Param::Text(member_id.as_str()),
                    ],
                },
            ]
        }
    }
}

fn member(member_id: Option<&MemberId>) -> Option<&str> {
    member_id.map(MemberId::as_str)
}

/// Replaces a member's (or, without a member, the convener's) tokens with
/// one of this hash, or with none; their calendar feed goes with them.
fn set_token<'a>(
    group_id: &'a GroupId,
    member_id: Option<&'a str>,
    token_hash: Option<&'a [u8; 32]>,
) -> Vec<Statement<'a>> {
    let owner = vec![Param::Text(group_id.as_str()), Param::Member(member_id)];
    let mut statements = vec![
        Statement {
            sql: DELETE_TOKENS,
            params: owner.clone(),
        },
        Statement {
            sql: DELETE_FEEDS,
            params: owner,
        },
    ];
    statements.extend(token_hash.map(|hash| insert_token(hash, group_id, member_id)));
    statements
}

fn insert_token<'a>(
    hash: &'a [u8; 32],
    group_id: &'a GroupId,
    member_id: Option<&'a str>,
) -> Statement<'a> {
    Statement {
        sql: INSERT_TOKEN,
        params: vec![
            Param::Hash(&hash[..]),
            Param::Text(group_id.as_str()),
            Param::Member(member_id),
        ],
    }
}

/// Reads a token's row: its hash, group and member.
pub(super) const LOOKUP_TOKEN: &str =
    "SELECT token_hash, group_id, member_id FROM tokens WHERE token_hash = $1";
/// Reads a calendar feed's row, as a token's.
pub(super) const LOOKUP_FEED: &str =
    "SELECT token_hash, group_id, member_id FROM feeds WHERE token_hash = $1";

/// A token's row as stored: its hash, group id and member id (none for a
/// convener's token).
pub(super) type TokenRow = (Vec<u8>, String, Option<String>);

/// Whose a token is, from its row: ids are parsed where they leave the
/// database, like any other input, and the hashes compared in constant
/// time (the index found the row; the answer never depends on how much of
/// a hash matched).
pub(super) fn owner_of(
    row: Option<TokenRow>,
    token_hash: &[u8; 32],
) -> Result<Option<TokenOwner>, StoreError> {
    let Some((stored, group_id, member_id)) = row else {
        return Ok(None);
    };
    let unreadable = || StoreError::Unreadable("token owner".into());
    let stored: [u8; 32] = stored.try_into().map_err(|_| unreadable())?;
    let group_id = GroupId::new(group_id).map_err(|_| unreadable())?;
    let member_id = member_id
        .map(MemberId::new)
        .transpose()
        .map_err(|_| unreadable())?;
    let same: bool = subtle::ConstantTimeEq::ct_eq(&stored[..], &token_hash[..]).into();
    Ok(same.then_some(TokenOwner {
        group_id,
        member_id,
        token_hash: stored,
    }))
}

/// A calendar feed's owner: always a member.
pub(super) fn feed_of(
    owner: Option<TokenOwner>,
) -> Result<Option<(GroupId, MemberId)>, StoreError> {
    owner
        .map(|o| match o.member_id {
            Some(member_id) => Ok((o.group_id, member_id)),
            None => Err(StoreError::Unreadable("feed owner".into())),
        })
        .transpose()
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Param::Text(text) => text.to_sql(),
            Param::Member(member) => member.to_sql(),
            Param::Hash(hash) => hash.to_sql(),
        }
    }
}

impl Param<'_> {
    /// The value as tokio-postgres binds it.
    pub fn postgres(&self) -> &(dyn tokio_postgres::types::ToSql + Sync) {
        match self {
            Param::Text(text) => text,
            Param::Member(member) => member,
            Param::Hash(hash) => hash,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SQLite numbers `$n` as it meets them: each must be met in order.
    #[test]
    fn every_parameter_is_numbered_as_sqlite_meets_it() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(crate::store::schema::SCHEMA).unwrap();
        for sql in ALL {
            let statement = conn.prepare(sql).unwrap();
            for n in 1..=statement.parameter_count() {
                let name = format!("${n}");
                assert_eq!(statement.parameter_index(&name).unwrap(), Some(n), "{sql}");
            }
        }
    }
}
