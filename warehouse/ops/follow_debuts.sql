-- The run's universe gains the debuts it follows (``followed``: from the IPO reports), so their
-- bars pass the gate like a seeded security's. Shares outstanding are not in the IPO reports.
INSERT INTO ref.securities BY NAME
WITH source AS (
    SELECT * FROM followed
),
final AS (
    SELECT
        symbol,
        coalesce(name, symbol) AS name,
        CASE WHEN exchange <> 'HKEX' THEN name END AS name_local,
        exchange,
        calendar,
        board,
        currency,
        symbol IN (SELECT symbol FROM ref.ipo_ai) AS is_ai,
        NULL::DOUBLE AS shares_outstanding,
        provider,
        provider_code,
        'ipo_report' AS data_origin
    FROM source
    WHERE symbol NOT IN (SELECT symbol FROM ref.securities)
)
SELECT * FROM final;
