print("ferry-bench: not yet written")
