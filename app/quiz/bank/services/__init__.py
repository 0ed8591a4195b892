"""The question bank's rules, split by concept: banks, categories (知识点), questions,
importing, exporting and usage hooks. Services take model instances and plain values, raise
``DomainError``, flush but never commit."""
