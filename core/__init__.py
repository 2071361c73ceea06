"""Plain Python value types and helpers that every app uses; it imports no app."""
