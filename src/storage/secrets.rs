//! Secrets the service makes for itself, shared by every replica through the database.

use super::{on_db, Db, StorageResult};

impl Db<'_> {
    /// The secret called `name`: `fresh` is stored if there is none yet (the first replica to
    /// ask wins the race), and the stored one is returned.
    pub async fn service_secret(&mut self, name: &str, fresh: &str) -> StorageResult<String> {
        let secret = on_db!(self, c => {
            sqlx::query(
                "insert into service_secrets (name, secret) values ($1, $2) \
                 on conflict (name) do nothing",
            )
            .bind(name)
            .bind(fresh)
            .execute(&mut *c)
            .await?;
            sqlx::query_scalar::<_, String>("select secret from service_secrets where name = $1")
                .bind(name)
                .fetch_one(&mut *c)
                .await
        })?;
        Ok(secret)
    }
}
