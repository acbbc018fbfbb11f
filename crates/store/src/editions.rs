use crate::{Result, Store, StoreError, on_pool};
use hallway_domain::{Edition, Slug};
use sqlx::Row;

pub trait EditionStore {
    /// Every edition, newest first.
    async fn editions(&self) -> Result<Vec<Edition>>;
    async fn edition(&self, slug: &Slug) -> Result<Edition>;
}

const COLUMNS: &str = "slug, name, venue, time_zone, start_date, end_date, day_change";

pub(crate) fn edition_from_row<R: Row>(row: &R) -> Result<Edition>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let slug: String = row.try_get("slug")?;
    Ok(Edition {
        slug: Slug::parse(&slug).map_err(|e| StoreError::invalid(e.to_string()))?,
        name: row.try_get("name")?,
        venue: row.try_get("venue")?,
        time_zone: row.try_get("time_zone")?,
        start_date: parse_date(&row.try_get::<String, _>("start_date")?)?,
        end_date: parse_date(&row.try_get::<String, _>("end_date")?)?,
        day_change: row
            .try_get::<String, _>("day_change")?
            .parse()
            .map_err(|e| StoreError::invalid(format!("stored day change: {e}")))?,
    })
}

pub(crate) fn parse_date(s: &str) -> Result<jiff::civil::Date> {
    s.parse()
        .map_err(|e| StoreError::invalid(format!("stored date {s:?}: {e}")))
}

impl EditionStore for Store {
    async fn editions(&self) -> Result<Vec<Edition>> {
        on_pool!(self, |pool| {
            let sql = format!("SELECT {COLUMNS} FROM editions ORDER BY start_date DESC, slug");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(pool)
                .await?
                .iter()
                .map(edition_from_row)
                .collect()
        })
    }

    async fn edition(&self, slug: &Slug) -> Result<Edition> {
        on_pool!(self, |pool| {
            let sql = format!("SELECT {COLUMNS} FROM editions WHERE slug = $1");
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(slug.as_str())
                .fetch_optional(pool)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("edition {slug}")))?;
            edition_from_row(&row)
        })
    }
}
