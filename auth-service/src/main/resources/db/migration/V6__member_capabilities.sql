-- Per-member capability grants on top of the role. Null means "the role's default set", so a
-- member nobody customised follows their role when it changes.
alter table workspace_members add column capabilities text[];
