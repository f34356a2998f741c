//! Migrations and backups.

use super::{
    on_db, Backend, Pool, StorageError, StorageResult, Store, POSTGRES_MIGRATIONS,
    SQLITE_MIGRATIONS,
};

impl Store {
    /// Applies every pending migration of this backend.
    pub async fn migrate(&self) -> StorageResult<()> {
        match &self.pool {
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// The versions of this backend's migrations not applied to the database yet (all of
    /// them on an empty database).
    pub async fn pending_migrations(&self) -> StorageResult<Vec<i64>> {
        let applied = {
            let mut connection = self.acquire().await?;
            let mut db = connection.db();
            let query = "select version from _sqlx_migrations where success";
            let result = on_db!(&mut db, c => {
                sqlx::query_scalar::<_, i64>(query).fetch_all(&mut *c).await
            });
            match result {
                Ok(applied) => applied,
                // No migration table yet: nothing applied.
                Err(sqlx::Error::Database(_)) => Vec::new(),
                Err(error) => return Err(error.into()),
            }
        };
        Ok(Self::migrations(self.backend())
            .into_iter()
            .map(|(version, _)| version)
            .filter(|version| !applied.contains(version))
            .collect())
    }

    /// Version and description of every migration this binary carries for `backend`.
    pub fn migrations(backend: Backend) -> Vec<(i64, String)> {
        let migrator = match backend {
            Backend::Postgres => &POSTGRES_MIGRATIONS,
            Backend::Sqlite => &SQLITE_MIGRATIONS,
        };
        migrator
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    }

    /// Writes a consistent copy of the embedded database to `to` (SQLite's `VACUUM INTO`: a
    /// read transaction, so the service keeps serving, and writers wait only for the copy's
    /// final step). PostgreSQL is backed up with its own tools.
    pub async fn backup(&self, to: &std::path::Path) -> StorageResult<()> {
        let Pool::Sqlite(pool) = &self.pool else {
            return Err(StorageError::Other(
                "backup copies the embedded SQLite database; back PostgreSQL up with pg_dump \
                 or your provider's snapshots"
                    .into(),
            ));
        };
        if to.exists() {
            return Err(StorageError::Other(format!(
                "{} already exists",
                to.display()
            )));
        }
        let target = to
            .to_str()
            .ok_or_else(|| StorageError::Other("the backup path is not UTF-8".into()))?;
        sqlx::query("vacuum into $1")
            .bind(target)
            .execute(pool)
            .await?;
        Ok(())
    }
}
