-- Eastmoney valuation reports parsed by DuckDB alone: unnest the row objects, cast the fields.
INSERT INTO floor_valuation BY NAME
WITH bodies AS (
    SELECT unnest(result.data) AS r
    FROM read_json(
        $files,
        columns = {result: 'STRUCT(data STRUCT(SECUCODE VARCHAR, TRADE_DATE VARCHAR,
            CLOSE_PRICE DOUBLE, PE_TTM DOUBLE, TOTAL_MARKET_CAP DOUBLE, TOTAL_SHARES DOUBLE)[])'}
    )
),
final AS (
    SELECT
        r.SECUCODE AS symbol,
        CAST(left(r.TRADE_DATE, 10) AS DATE) AS trade_date,
        r.CLOSE_PRICE AS close,
        r.PE_TTM AS pe_ttm,
        r.TOTAL_MARKET_CAP AS market_cap,
        r.TOTAL_SHARES AS total_shares
    FROM bodies
)
SELECT * FROM final
