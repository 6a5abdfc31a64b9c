"""The autograd layer: grad-mode context managers, graph nodes and saved tensors, a tensor's
autograd state, the NumPy-computed backward functions, and the recording wrapper with its
table of formulas (filled by ``reference_impl._derivatives``)."""
