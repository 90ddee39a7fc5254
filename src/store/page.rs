//! Keyset pagination: ids are time-ordered, so "after this id" is an index seek.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::core::ids;
use crate::error::AppError;

/// `?limit=&cursor=` as every list takes them.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many items to return, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A checked page request.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: i64,
    pub cursor: Option<String>,
}

impl PageQuery {
    /// Checks the limit and the cursor, naming the bad one.
    pub fn check(&self) -> Result<PageRequest, AppError> {
        let limit = self.limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(AppError::BadRequest {
                field: Some("limit".into()),
                message: "limit must be between 1 and 200".into(),
            });
        }
        let cursor = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(c) => Some(ids::parse_id(c).ok_or_else(|| AppError::BadRequest {
                field: Some("cursor".into()),
                message: "cursor is not one this server gave out".into(),
            })?),
        };
        Ok(PageRequest { limit, cursor })
    }
}

/// One page of a list, newest first, and the cursor of the next page if any.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row only says "there is more".
    pub fn from_rows(
        mut rows: Vec<T>,
        request: &PageRequest,
        id_of: impl Fn(&T) -> &str,
    ) -> Page<T> {
        let more = rows.len() as i64 > request.limit;
        rows.truncate(request.limit as usize);
        let next_cursor = if more {
            rows.last().map(|r| id_of(r).to_owned())
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
        }
    }

    /// The same page with each item converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }

    /// As [`Page::map`] for a conversion that can fail (a stored value read back).
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<Result<_, E>>()?,
            next_cursor: self.next_cursor,
        })
    }
}

/// Applies the cursor and the limit (+1) to a boxed query, newest first.
macro_rules! keyset_page {
    ($query:expr, $id:expr, $page:expr) => {{
        let mut query = $query;
        if let Some(cursor) = &$page.cursor {
            query = query.filter($id.lt(cursor.clone()));
        }
        query.order($id.desc()).limit($page.limit + 1)
    }};
}
pub(crate) use keyset_page;

/// A LIKE pattern that finds `needle` anywhere, with wildcards in it escaped.
pub fn contains_pattern(needle: &str) -> String {
    let escaped = needle
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The pattern for a free-text query: phone-like queries match by their digits.
pub fn search_pattern(q: &str) -> Option<String> {
    let q = q.trim();
    if q.is_empty() {
        return None;
    }
    let needle = crate::core::contact_info::phone_search_digits(q).unwrap_or_else(|| q.to_owned());
    Some(contains_pattern(&needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_and_cursor_are_checked() {
        let bad = PageQuery {
            limit: Some(0),
            cursor: None,
        }
        .check()
        .unwrap_err();
        assert!(matches!(bad, AppError::BadRequest { field: Some(f), .. } if f == "limit"));
        let bad = PageQuery {
            limit: None,
            cursor: Some("x".into()),
        }
        .check()
        .unwrap_err();
        assert!(matches!(bad, AppError::BadRequest { field: Some(f), .. } if f == "cursor"));
    }

    #[test]
    fn extra_row_gives_a_cursor() {
        let req = PageRequest {
            limit: 2,
            cursor: None,
        };
        let page = Page::from_rows(vec!["c".to_string(), "b".into(), "a".into()], &req, |s| s);
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.next_cursor.as_deref(), Some("b"));
        let page = Page::from_rows(vec!["c".to_string()], &req, |s| s);
        assert_eq!(page.next_cursor, None);
    }

    #[test]
    fn wildcards_are_escaped() {
        assert_eq!(contains_pattern("50%_A"), "%50\\%\\_a%");
        assert_eq!(
            search_pattern("067 123 45 67").as_deref(),
            Some("%671234567%")
        );
    }
}
