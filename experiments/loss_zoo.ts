// CLAIMED by the experiments engineer (helper 10): do not edit; being written now.
export {};
