// @descent/schedulers: filled in as its issue lands.
export {};
