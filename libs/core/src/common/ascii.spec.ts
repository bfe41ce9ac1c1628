import { asciiLower } from './ascii';

describe('asciiLower', () => {
  it('folds A-Z only', () => {
    expect(asciiLower('Acme-HTTP.User@X')).toBe('acme-http.user@x');
    expect(asciiLower('\u212Aelvin')).toBe('\u212Aelvin'); // Kelvin sign stays itself
    expect(asciiLower('ÄÖÜ İ')).toBe('ÄÖÜ İ');
  });
});
