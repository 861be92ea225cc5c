"""How rules run: conditions compile to vectorized pandas operations over whole tables."""
