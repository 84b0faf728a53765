/** The runs' colours, in order (a new run takes the first one no run has). */
export const RUN_COLORS = ['#e11d48', '#2563eb', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
