-- A core table's exports written: its months (and a whole-table note) leave the ledger.
DELETE FROM ops.export_pending
WHERE table_name = $table_name AND (month IS NULL OR list_contains($months, month))
