"""A realistic, deterministic sample catalog: for `bookstore seed`, the dev runner and the benchmark."""
