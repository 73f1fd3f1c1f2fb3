export default {
  displayName: 'local-infra',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
