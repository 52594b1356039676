// @descent/core: filled in as its issue lands.
export {};
