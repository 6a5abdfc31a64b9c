"""The core layer: dtypes and their names, devices, storage, layout math, errors, grad modes,
and the Tensor's state. It imports nothing else of the reference."""
