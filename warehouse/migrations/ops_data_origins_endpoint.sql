-- Release 0.2.0: ops.data_origins calls the kind of request a landed body answered its `endpoint`
-- (the column was `dataset`, the glossary's word for a staging/core table). The primary key and
-- the NOT NULL constraint follow the renamed column; the rows stay as they are.
ALTER TABLE ops.data_origins RENAME COLUMN dataset TO endpoint;
