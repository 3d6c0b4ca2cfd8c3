-- Member capabilities travel with the membership record. Null: the row predates this column
-- (its record carried no capabilities), so the replica asks auth-service once before trusting
-- it; every record applied from now on stores a list, empty when the record had none.
alter table platform_workspace_membership add column capabilities text[];
