// @descent/regularizers: filled in as its issue lands.
export {};
