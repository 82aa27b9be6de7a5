"""Follow-up of decisions and conclusions (theo dõi, đôn đốc thi hành)."""
