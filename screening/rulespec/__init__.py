"""What a rule file says: pydantic models, YAML loading with line numbers, cited sources.

Nothing here imports pandas: the spec describes rules, the engine runs them.
"""
