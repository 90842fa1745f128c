/** What has no faithful translation: the caller keeps the mapping verbatim and marks the module for review. */
export class Untranslatable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Untranslatable';
  }
}
