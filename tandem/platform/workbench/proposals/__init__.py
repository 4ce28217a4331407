"""The proposals of the current run: the workbench page, lock, unpair, swap, pair by hand."""
