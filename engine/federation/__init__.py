"""Liên thông: signed messages between Phản Ánh instances (a district's server and the city's), kept in a
transactional outbox, delivered by the worker with retries, received once."""
