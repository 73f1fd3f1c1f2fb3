export default {
  displayName: 'observability',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
