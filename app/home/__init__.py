"""Each role's home page: what this person has to do. Features add their items through
``register_todo_provider``."""
