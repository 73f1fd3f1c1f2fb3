export default {
  displayName: 'service-runtime',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
