"""The dataset registry: one typed declaration per dataset, everything else derives from it.

A dataset is one staging/core table. Its declaration states the staging schema, the natural key,
the series and date columns, every value column's unit and plausible range, how its series are
partitioned and exported, when a provider publishes it, and which marts read it. Parsers conform
to the schema, the loader and the merges iterate the registry, the gate derives its generic rules
from it, and the catalog reads each series' last stored date through it.

The package depends on polars only, so every stage (transforms included) may import it.
"""

from registry.datasets import DATASETS, STAGING_TABLES, by_name
from registry.model import Calendar, Dataset, Measure, Unit

__all__ = ["DATASETS", "STAGING_TABLES", "Calendar", "Dataset", "Measure", "Unit", "by_name"]
