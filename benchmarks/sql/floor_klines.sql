-- Eastmoney kline bodies parsed by DuckDB alone: read_json, unnest the lines, split the strings.
INSERT INTO floor_bars BY NAME
WITH bodies AS (
    SELECT data.code AS code, data.market AS market, unnest(data.klines) AS line
    FROM read_json(
        $files,
        columns = {data: 'STRUCT(code VARCHAR, market INTEGER, klines VARCHAR[])'}
    )
),
renamed AS (
    SELECT code, market, string_split(line, ',') AS f
    FROM bodies
),
final AS (
    SELECT
        code AS symbol,
        CAST(f[1] AS DATE) AS trade_date,
        TRY_CAST(f[2] AS DOUBLE) AS open,
        TRY_CAST(f[4] AS DOUBLE) AS high,
        TRY_CAST(f[5] AS DOUBLE) AS low,
        TRY_CAST(f[3] AS DOUBLE) AS close,
        TRY_CAST(f[6] AS DOUBLE) * CASE WHEN market IN (0, 1) THEN 100 ELSE 1 END AS volume,
        TRY_CAST(f[7] AS DOUBLE) AS amount
    FROM renamed
)
SELECT * FROM final
