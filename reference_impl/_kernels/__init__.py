"""The kernels layer: what each op computes and checks (TensorIterator's rules, pointwise ops,
reductions, products, views, indexing, creation, copies, nn forwards). No autograd: the
functions layer (``reference_impl._functions``) wraps these to record graphs."""
