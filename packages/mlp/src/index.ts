// @descent/mlp: filled in as its issue lands.
export {};
