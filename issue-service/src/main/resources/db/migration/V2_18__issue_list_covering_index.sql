-- The board's filtered list (status + label + title search, newest first) walks the workspace's
-- issues in created order and filters them until a page is full: about 5,000 rows for a page of
-- 50 at 100,000 issues (IssueListBench's data). The trigram index loses to that walk there (it
-- finds all ~850 matches, then sorts them: 15 ms against 4.5 ms), so the walk is what to make
-- cheap. With the filtered columns carried in the index, a filtered list picks its page's ids in
-- an index-only scan that never reads the wide heap rows (description and all) it throws away,
-- then reads the page's rows by id (IssueStore.list). pgbench on that data, the whole list query,
-- prepared, one client: status+label+search 4.6-4.9 ms before, 3.4-3.9 ms after; a search alone
-- (shorter walk) 1.17 ms before, 1.34 ms after; the unfiltered first page is read as before.
drop index issue_workspace_created;
create index issue_workspace_created on issue (workspace_id, created_at desc, id desc)
    include (status, priority, label_ids, title);
