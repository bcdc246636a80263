-- Yahoo chart bodies parsed by DuckDB alone: parallel arrays unnested, session stamps to local days.
INSERT INTO floor_bars BY NAME
WITH bodies AS (
    SELECT chart.result[1] AS r
    FROM read_json(
        $files,
        columns = {chart: 'STRUCT(result STRUCT(meta STRUCT(symbol VARCHAR,
            exchangeTimezoneName VARCHAR), "timestamp" BIGINT[], indicators STRUCT(quote
            STRUCT(open DOUBLE[], high DOUBLE[], low DOUBLE[], close DOUBLE[],
            volume DOUBLE[])[]))[])'}
    )
),
renamed AS (
    SELECT
        r.meta.symbol AS symbol,
        r.meta.exchangeTimezoneName AS zone,
        unnest(r."timestamp") AS stamp,
        unnest(r.indicators.quote[1].open) AS open,
        unnest(r.indicators.quote[1].high) AS high,
        unnest(r.indicators.quote[1].low) AS low,
        unnest(r.indicators.quote[1].close) AS close,
        unnest(r.indicators.quote[1].volume) AS volume
    FROM bodies
),
final AS (
    SELECT
        symbol,
        CAST(timezone(zone, to_timestamp(stamp)) AS DATE) AS trade_date,
        open, high, low, close, volume,
        NULL::DOUBLE AS amount
    FROM renamed
)
SELECT * FROM final
