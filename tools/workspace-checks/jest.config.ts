export default {
  displayName: 'workspace-checks',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
