-- Secrets the service makes for itself and every replica must share (the key pagination
-- cursors are signed with): created once, on first start, by whichever replica comes first.
create table service_secrets (
    name text primary key,
    secret text not null
);
