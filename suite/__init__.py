"""The comparison suite above the kernels and the compiler: every workload in every ISA
variant as picklable tasks (tasks.py), where they run (executor.py: this process, a
process pool, Dask, Ray), the result cache (cache.py), and sweeps over sparsity and
config parameters with their plots (sweep.py, sweep_plot.py)."""
