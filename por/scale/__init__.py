"""Scale-out machinery that knows no tree: engines that run tasks on local processes or a Dask cluster, and the
scanning of partitioned inputs (docs/SPEC.md §11). The plain partitioned build
(por.plain.partitioned) and the private node proofs (por.private.tasks) are built on it."""
