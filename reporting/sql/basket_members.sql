-- Each basket's members with their names, and whether their daily bars are synthetic in part.
WITH synthetic AS (
    SELECT DISTINCT subject AS symbol
    FROM data_origins
    WHERE origin = 'synthetic' AND dataset = 'security_bars'
),

final AS (
    SELECT b.basket, b.symbol, s.name, s.name_local, y.symbol IS NOT NULL AS has_synthetic_bars
    FROM ref_baskets AS b
    INNER JOIN ref_securities AS s USING (symbol)
    LEFT JOIN synthetic AS y USING (symbol)
)

SELECT * FROM final
ORDER BY basket, symbol
