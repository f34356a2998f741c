-- A per-tenant version of both catalogs, bumped by every catalog change in the change's
-- transaction. Reads that need the catalogs' texts (the candidate's labels) read it with their
-- data and use a process cache only while it matches: no replica serves a stale catalog.
alter table tenants add column catalog_version integer not null default 1;
