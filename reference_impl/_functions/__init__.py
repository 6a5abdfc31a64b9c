"""The functions layer: torch's functions, each kernel wrapped once by the recording wrapper
(``ops``, ``views``), and the functions torch composes from others (``arith``, ``indexing``,
``conversion``)."""
