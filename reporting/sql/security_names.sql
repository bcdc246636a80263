-- Every reference security's Latin and local name, to print them side by side.
SELECT symbol, name, name_local
FROM ref_securities
ORDER BY symbol
