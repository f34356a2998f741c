-- The candidate's language (docs/languages.md). A tenant offers some languages and names one
-- as its default: the language its catalog entries and resources are written in and the one a
-- candidate gets when their Accept-Language finds none of the offered ones. Catalog entries and
-- resources carry translations: a JSON object from a language tag to the translated text
-- ({"de": {"name": "…", "description": "…"}}), read with the entry, replaced as a whole.
alter table tenants add column default_language text not null default 'en';
alter table tenants add column languages jsonb not null default '["en", "de", "fr"]';
alter table tenants add column language_settings_version bigint not null default 1;
alter table catalog_entries add column translations jsonb not null default '{}';
alter table development_resources add column translations jsonb not null default '{}';
