-- The review policy becomes a versioned setting like the others: PUT /v1/review-policy needs
-- If-Match with its ETag, so two HR users cannot overwrite each other's change unseen.
alter table tenants add column review_policy_version bigint not null default 1;
