"""Scale-out builds: partitioned inputs, partition tasks and the engines that run them (docs/SPEC.md (Part: scale-out))."""
