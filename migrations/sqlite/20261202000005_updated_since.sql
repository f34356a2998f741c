-- `updated_since` on the requisition and application lists (incremental syncs).
create index requisitions_updated on requisitions (tenant_id, updated_at);
create index applications_updated on applications (tenant_id, updated_at);
